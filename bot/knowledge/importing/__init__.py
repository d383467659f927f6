"""Turning a school's own policy (Word, PDF or text) into a draft clause file for review.

The pipeline, one module per step:

- `extract`: the file -> plain text, one paragraph per line, bullets as `- ` (`word`, `pdf` do the
  reading of .docx and .pdf);
- `blocks`: lines -> paragraphs and bullets, with contents pages, page headers and form fields set aside;
- `split`: blocks -> clauses with section reference, heading and verbatim text;
- `guess`: first guesses of stance, topics and a plain answer line; `details`: school name,
  title, dates and who to report to;
- `draft`: the knowledge-file YAML, keeping what a person already reviewed in a previous version;
- `diff`: what changed between two versions of a school's clause file.
"""
