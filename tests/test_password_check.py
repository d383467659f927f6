"""The application form refuses what reads like a password, and nothing else: real school handles,
links and addresses pass; real-looking passwords are caught wherever they are typed."""

from __future__ import annotations

import pytest

from bot.cases.accounts import looks_like_password

HANDLES = [
    "@Dobcroft_Y5",
    "Dobcroft_Year5",
    "Year-5-Class-Blog",
    "St.Mary2024",
    "@StMarys_PE",
    "Howitt_Primary_2024",
    "@Link.School_KS2",
    "Rudyard-Kipling-Y6",
    "#Year5Science",
    "DobcroftJunior",
    "Year 5 at Dobcroft",
    "@HiltingburyJuniors",
    "Parents and carers of Year 5 (2024-25)",
]
LINKS_AND_ADDRESSES = [
    "https://www.facebook.com/Dobcroft_Y5",
    "https://twitter.com/St_Mary2024?ref=Home",
    "www.instagram.com/Year-5-Class-Blog/",
    "facebook.com/Dobcroft.Year5",
    "year5.blog@dobcroft.sheffield.sch.uk",
    "Y5-Blog@Howitt.derbyshire.sch.uk",
]
PASSWORDS = [
    "P@ssw0rd1",
    "Tr0ub4dor&3",
    "Summer2024!",
    "Xk9#mQ2$vL",
    "Welcome_2024!",
    "Pa55_w0rd-X",
    "Dobcroft_Y5!",
    "password: Year5Rocks",
    "the login details are year5 / Blog2024",
    "PIN: 4821",
    "pwd=hunter2",
    "Credentials - admin@school / Sp1d3r!man",
]


@pytest.mark.parametrize("text", HANDLES + LINKS_AND_ADDRESSES)
def test_real_handles_links_and_addresses_are_not_passwords(text: str) -> None:
    assert not looks_like_password(text)


@pytest.mark.parametrize("text", PASSWORDS)
def test_passwords_are_caught(text: str) -> None:
    assert looks_like_password(text)


@pytest.mark.parametrize("text", PASSWORDS)
def test_a_password_inside_a_sentence_is_caught(text: str) -> None:
    assert looks_like_password(f"Our blog will be Year 5 at Dobcroft. {text} for the admin.")
