"""Normalization of the keys leads and partners are deduplicated on: email, phone, VAT."""

import re


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
    digits = re.sub(r"\D", "", phone or "")
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


def dedupe_keys(email=None, phone=None, vat=None):
    """The non-empty normalized keys of one record, as ``{"email": .., "phone": .., "vat": ..}``."""
    keys = {"email": normalize_email(email), "phone": normalize_phone(phone), "vat": normalize_vat(vat)}
    return {k: v for k, v in keys.items() if v}


def find_duplicate_rows(rows_keys):
    """Duplicates inside one batch: ``rows_keys`` is a list of key dicts; returns ``{index: first index}``."""
    seen = {}
    dupes = {}
    for index, keys in enumerate(rows_keys):
        first = None
        for kind, value in keys.items():
            if (kind, value) in seen:
                first = seen[(kind, value)]
                break
        if first is not None:
            dupes[index] = first
            continue
        for kind, value in keys.items():
            seen[(kind, value)] = index
    return dupes
