"""Personal data removed from visitors' free text before it is stored: one place for every rule.

Content gaps and feedback comments are kept for staff to read, so they must not hold who
asked. The rules favour removing too much over too little. They run in linear time
(RE2, see ``bot/patterns.py``): the text is a visitor's.
"""

from __future__ import annotations

from bot.patterns import capped, linear

_EMAIL = linear(r"[\pL\pN_.+-]+@[\pL\pN-]+(?:\.[\pL\pN-]+)+")
# RE2 has no look-behind: the character before the number is captured and put back. No
# check after the number: a digit run glued to a word is removed too (too much, not too little).
_PHONE = linear(r"(^|[^\pL\pN_])\+?\d[\d\s().-]{7,30}\d")
# The introduction is matched in any case; the name itself must be capitalised.
_NAME = linear(
    r"\b((?i:my name is|my name's|i am called|this is|call me|name:|i'm|i am|im))\s+[A-Z][a-z]+"
    r"(\s+[A-Z][a-z]+)?"
)
# "12 Ocean Park Blvd", "1450 N. Main Street": a number, one to four words, a street word.
_ADDRESS = linear(
    r"\b\d{1,6}\s+(?:[\pL.]+\s+){1,4}(?i:street|st|avenue|ave|boulevard|blvd|road|rd|drive|dr|"
    r"lane|ln|way|court|ct|place|pl|terrace|highway|hwy|apt|suite)\b\.?"
)
# Record, member and account numbers: a label, then a code with at least four digits.
_RECORD = linear(
    r"(?i:\b(?:mrn|medical record|record|member|policy|account|patient|chart|id)(?: number| no\.?"
    r"| #|#)?(?: is)?:?\s*)[A-Z0-9-]*\d{4,}[A-Z0-9-]*"
)
# Bidi overrides and other invisible format characters: staff would see other text than
# is stored.
_INVISIBLE = linear(r"[\p{Cf}]")
_DATE = linear(
    r"\b(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|(jan|feb|mar|apr|may|jun|jul|aug|"
    r"sep|oct|nov|dec)[a-z]*\.? \d{1,2}(st|nd|rd|th)?,? \d{4}|\d{1,2}(st|nd|rd|th)? (of )?(jan|"
    r"feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*,? \d{4})\b",
    ignore_case=True,
)


def redact_contacts(text: str) -> str:
    """Remove e-mail addresses and phone numbers."""
    text = _EMAIL.sub("[email]", capped(text))
    return _PHONE.sub(lambda m: f"{m.group(1)}[phone]", text)


def redact(text: str) -> str:
    """Remove e-mails, phone numbers, self-introduced names, dates (of birth), street
    addresses and record numbers, and invisible format characters."""
    text = _INVISIBLE.sub("", capped(text))
    text = _DATE.sub("[date]", text)  # before phones: "1980-02-01" looks like a number
    text = _RECORD.sub("[record]", text)
    text = _ADDRESS.sub("[address]", text)
    text = redact_contacts(text)
    return _NAME.sub(lambda m: f"{m.group(1)} [name]", text)
