"""Cases: misuse reports (and, later, account applications) as records with a state and a timeline."""
