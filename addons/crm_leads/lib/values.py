"""Cell values of an import, checked one by one: a bad value rejects its row with a reason, not the file.

Plain Python. :class:`BadValue` carries a ``code`` and ``params`` that the wizards say in the user's
language.
"""

import math
import re

INT4_MAX = 2**31 - 1  # PostgreSQL ``integer``: the columns of Odoo's Integer fields
# C0 controls but tab, line feed and carriage return; DEL; C1 controls (mis-decoded text)
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class BadValue(ValueError):
    def __init__(self, code, message, **params):
        super().__init__(message)
        self.code = code
        self.params = params


def parse_number(text):
    """A finite number of a cell ("1,234.5", "12", "1e3"), None when empty; :class:`BadValue` when it is
    not a number, or an infinity or NaN ("inf", "nan", "1e400")."""
    text = (text or "").strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    if "," in text and "." not in text and text.count(",") == 1 and len(text.split(",")[1]) != 3:
        text = text.replace(",", ".")
    text = text.replace(",", "")
    try:
        number = float(text)
    except ValueError:
        raise BadValue("not_a_number", f"{text!r} is not a number.", value=text)
    if not math.isfinite(number):
        raise BadValue("not_finite", f"{text!r} is not a finite number.", value=text)
    return number


def parse_integer(text, minimum=0, maximum=INT4_MAX):
    """A whole number of a cell within ``[minimum, maximum]`` (by default what a PostgreSQL integer
    holds), None when empty; :class:`BadValue` otherwise."""
    number = parse_number(text)
    if number is None:
        return None
    if number != int(number):
        raise BadValue("not_whole", f"{text!r} is not a whole number.", value=text)
    if not minimum <= number <= maximum:
        raise BadValue(
            "out_of_range",
            f"{text!r} is out of range ({minimum} to {maximum}).",
            value=text,
            minimum=minimum,
            maximum=maximum,
        )
    return int(number)


def control_character_column(cells):
    """Index of the first cell holding a control character (other than tab and line breaks), or None."""
    for index, cell in enumerate(cells):
        if cell and CONTROL_CHARACTERS.search(cell):
            return index
    return None
