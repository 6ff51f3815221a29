"""City and state of a US ZIP code, from the `zipcodes` package, as a dictionary lookup.

`zipcodes.matching()` scans all ~42,000 ZIP codes on every call (1-4 ms);
signing asks twice per signature. The table is turned into a dictionary once
per process instead (about a second of CPU and a few MB). gunicorn builds it
in its master process before forking (config/gunicorn.py), so every worker
shares it from the start; anywhere else it is built on first use. No Django
imports here, so that the master can load it without setting Django up.
"""

import threading

import zipcodes

_places: dict[str, tuple[str, str]] | None = None
_lock = threading.Lock()


def load() -> dict[str, tuple[str, str]]:
    global _places
    with _lock:
        if _places is None:
            places = {}
            # One leading digit at a time, so that at most a tenth of the
            # package's dictionaries exist at once.
            for digit in "0123456789":
                for entry in zipcodes.similar_to(digit):
                    places[entry["zip_code"]] = (entry["city"], entry["state"])
            _places = places
    return _places


def place_of(zip5: str) -> tuple[str, str] | None:
    """(city, state) of a 5-digit ZIP code, None when the package does not know it."""
    return (_places if _places is not None else load()).get(zip5)


def zip5(postal_code: str, country: str) -> str:
    """The 5-digit ZIP of a US postal code ("78205-1234" gives "78205"), else ""."""
    code = postal_code.strip()[:5]
    return code if str(country) == "US" and len(code) == 5 and code.isdigit() else ""


def place_fields(postal_code: str, country: str) -> dict:
    """City and state of a postal code as the fields a signature keeps them in: city and region.

    Empty when the code is not a US ZIP the package knows. The district comes
    from the database (places.districts).
    """
    place = place_of(zip5(postal_code, country))
    return {"city": place[0][:100], "region": place[1]} if place else {}
