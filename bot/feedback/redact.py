"""Personal data removed from visitors' free text before it is stored: one place for every rule.

Content gaps and feedback comments are kept for staff to read, so they must not hold who
asked. The rules favour removing too much over too little.
"""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
_PHONE = re.compile(r"(?<!\w)(\+?\d[\d\s().-]{7,30}\d)(?!\w)")
# The introduction is matched in any case; the name itself must be capitalised.
_NAME = re.compile(
    r"\b((?i:my name is|my name's|i am called|this is|call me|name:))\s+[A-Z][a-z]+"
    r"(\s+[A-Z][a-z]+)?"
)
_DATE = re.compile(
    r"\b(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|(jan|feb|mar|apr|may|jun|jul|aug|"
    r"sep|oct|nov|dec)[a-z]*\.? \d{1,2}(st|nd|rd|th)?,? \d{4}|\d{1,2}(st|nd|rd|th)? (of )?(jan|"
    r"feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*,? \d{4})\b",
    re.IGNORECASE,
)


def redact_contacts(text: str) -> str:
    """Remove e-mail addresses and phone numbers."""
    return _PHONE.sub("[phone]", _EMAIL.sub("[email]", text))


def redact(text: str) -> str:
    """Remove e-mails, phone numbers, self-introduced names and dates (of birth)."""
    text = _DATE.sub("[date]", text)  # before phones: "1980-02-01" looks like a number
    text = redact_contacts(text)
    return _NAME.sub(lambda m: f"{m.group(1)} [name]", text)
