"""The web intake form's payload: every field typed and bounded, each problem naming its field.

Plain Python, no ORM: the controller turns a problem into a JSON 422 and the model receives only clean
values (stripped strings, a bounded integer).
"""

import re
import unicodedata

from .scoring import email_is_valid, phone_is_valid

MAX_EMPLOYEES = 10_000_000
# field -> maximum length of its text
TEXT_FIELDS = {
    "name": 200,
    "contact_name": 200,
    "company": 200,
    "email": 254,
    "phone": 40,
    "message": 5000,
    "vat": 32,
    "country": 64,
    "utm_campaign": 100,
    "utm_medium": 100,
    "utm_source": 100,
}
# a field the form hides from people: a value in it means a robot filled the form
HONEYPOT_FIELD = "website"
ALLOWED_FIELDS = frozenset(TEXT_FIELDS) | {"employees", HONEYPOT_FIELD}
# control characters, NUL included; tabs and line breaks are kept in the message only
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"[\t\r\n]")


def _problem(field, message):
    return {"field": field, "message": message}


def _clean_text(field, value):
    """``(clean text, problem)`` of one text field."""
    if not isinstance(value, str):
        return None, _problem(field, f"{field} must be a string.")
    if _CONTROL.search(value) or (field != "message" and _LINE_BREAKS.search(value)):
        return None, _problem(field, f"{field} contains control characters.")
    value = unicodedata.normalize("NFC", value).strip()
    if len(value) > TEXT_FIELDS[field]:
        return None, _problem(field, f"{field} is longer than {TEXT_FIELDS[field]} characters.")
    return value, None


def _clean_employees(value):
    """``(int or None, problem)``: a whole number, as a JSON number or a string of digits."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None, _problem("employees", "employees must be a whole number.")
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None, None
        if not value.isascii() or not value.isdigit() or len(value) > 9:
            return None, _problem("employees", f"employees must be a whole number up to {MAX_EMPLOYEES}.")
        value = int(value)
    if not 0 <= value <= MAX_EMPLOYEES:
        return None, _problem("employees", f"employees must be a whole number up to {MAX_EMPLOYEES}.")
    return value, None


def validate_payload(payload):
    """``(clean values, problems)`` of a decoded JSON body. ``problems`` lists ``{"field", "message"}``;
    ``clean`` holds only the fields given, with ``None`` for the empty ones."""
    if not isinstance(payload, dict):
        return {}, [_problem(None, "The body must be a JSON object.")]
    problems = [_problem(key, f"Unknown field: {key}.") for key in sorted(set(payload) - ALLOWED_FIELDS)]
    clean = {}
    for key in sorted(set(payload) & ALLOWED_FIELDS):
        value = payload[key]
        if value is None:
            clean[key] = None
            continue
        if key == "employees":
            clean[key], problem = _clean_employees(value)
        elif key == HONEYPOT_FIELD:
            clean[key], problem = (value if isinstance(value, str) else str(type(value))), None
        else:
            clean[key], problem = _clean_text(key, value)
        if problem:
            problems.append(problem)
    if problems:
        return clean, problems
    return clean, _check_content(clean)


def _check_content(clean):
    problems = []
    if not (clean.get("name") or clean.get("company") or clean.get("contact_name")):
        problems.append(_problem("name", "Give a name, company or contact_name."))
    if not clean.get("email") and not clean.get("phone"):
        problems.append(_problem("email", "Give an email or a phone."))
    if clean.get("email") and not email_is_valid(clean["email"]):
        problems.append(_problem("email", "The email is not valid."))
    if clean.get("phone") and not phone_is_valid(clean["phone"]):
        problems.append(_problem("phone", "The phone is not valid."))
    return problems


def is_robot(clean):
    """Whether the honeypot field was filled."""
    return bool((clean.get(HONEYPOT_FIELD) or "").strip())


def match_country(value, countries):
    """The id of the country whose ISO code or name (in any of the names given) equals ``value``,
    compared case- and accent-insensitively as whole strings (``%`` and ``_`` are plain characters);
    ``None`` when none or several match. ``countries`` is ``[(id, code, [names])]``."""
    wanted = _fold(value)
    if not wanted:
        return None
    found = {
        country_id
        for country_id, code, names in countries
        if wanted == _fold(code) or any(wanted == _fold(name) for name in names)
    }
    return found.pop() if len(found) == 1 else None


def _fold(text):
    text = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in text if not unicodedata.combining(c)).casefold().strip()


def parse_origins(text):
    """The allowed origins of a source, one per line or comma separated, without trailing slash."""
    return {origin.strip().rstrip("/") for origin in re.split(r"[\s,]+", text or "") if origin.strip()}


def lock_keys(company_id, keys):
    """The keys that serialize two submissions of the same contact in one company, sorted."""
    return sorted(f"{company_id}:{kind}:{value}" for kind, value in keys.items() if value)
