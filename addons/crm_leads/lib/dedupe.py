"""Normalization of the keys leads and partners are deduplicated on: email, phone, VAT."""

import re
import unicodedata


def normalize_email(email):
    """Lower-case address without spaces or display name; ``""`` if there is no address."""
    if not email:
        return ""
    match = re.search(r"[^\s<>,;\"']+@[^\s<>,;\"']+", email)
    return match.group(0).strip().lower() if match else ""


def normalize_phone(phone):
    """Digits only, without international prefix: the last 10 digits (enough to tell numbers apart).

    ``+86 138-1234-5678``, ``0086 13812345678`` and ``13812345678`` give the same key; a number
    with fewer than 7 digits gives ``""``.
    """
    # every Unicode decimal digit counts as its ASCII digit: １３８ is 138
    digits = "".join(str(unicodedata.decimal(c)) for c in (phone or "") if c.isdecimal())
    if len(digits) < 7:
        return ""
    return digits[-10:]


def normalize_vat(vat):
    """Upper case letters and digits only: ``"de 123.456.789"`` -> ``"DE123456789"``."""
    return re.sub(r"[^0-9A-Z]", "", (vat or "").upper())


def split_vat(vat, default_country=""):
    """``("DE", "123456789")`` from ``"DE123456789"``; a VAT without a prefix takes ``default_country``."""
    key = normalize_vat(vat)
    if len(key) > 2 and key[:2].isalpha():
        return key[:2], key[2:]
    return (default_country or "").upper(), key


def dedupe_keys(email=None, phone=None, vat=None, mobile=None):
    """The non-empty normalized keys of one record, as ``{"email", "phone", "mobile", "vat"}`` (the mobile
    only when it is another number than the phone)."""
    keys = {
        "email": normalize_email(email),
        "phone": normalize_phone(phone),
        "mobile": normalize_phone(mobile),
        "vat": normalize_vat(vat),
    }
    if keys["mobile"] == keys["phone"]:
        keys["mobile"] = ""
    return {k: v for k, v in keys.items() if v}


def find_duplicate_rows(rows_keys):
    """Duplicates inside one batch: ``rows_keys`` is a list of key dicts; returns ``{index: first index}``."""
    seen = {}
    dupes = {}
    for index, row_keys in enumerate(rows_keys):
        # a mobile number is a phone number: the same key whichever field holds it
        keys = {("phone" if kind == "mobile" else kind, value) for kind, value in row_keys.items()}
        first = None
        for key in keys:
            if key in seen:
                first = seen[key]
                break
        if first is not None:
            dupes[index] = first
            continue
        for key in keys:
            seen.setdefault(key, index)
    return dupes
