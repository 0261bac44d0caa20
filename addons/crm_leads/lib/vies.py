"""EU VIES VAT check over SOAP (zeep), with one bounded total time per check and a cached client.

No ORM here. A check runs in a worker thread and the caller waits at most ``total_timeout`` seconds in
all: the per-read timeout of the HTTP client alone lets a server that sends a byte every few seconds hold
a check for minutes. The WSDL is read once per address and process, like python-stdnum's
``stdnum.eu.vat.check_vies`` that Odoo's base_vat uses.
"""

import concurrent.futures
import threading

# VIES names a few member states otherwise than ISO 3166: Greece is EL
VIES_PREFIXES = {"GR": "EL"}
_clients = {}
_clients_lock = threading.Lock()
_executor = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="vies")


class ViesTimeout(Exception):
    """The service did not answer within the total time allowed."""


def vies_country(code):
    """The country prefix VIES expects for the ISO code ``code``."""
    code = (code or "").upper()
    return VIES_PREFIXES.get(code, code)


def get_client(wsdl, timeout):
    """The zeep client of ``wsdl``, made once (a failed WSDL download is not cached)."""
    with _clients_lock:
        client = _clients.get(wsdl)
    if client is not None:
        return client
    import requests
    import zeep
    from zeep.transports import Transport

    transport = Transport(session=requests.Session(), timeout=timeout, operation_timeout=timeout)
    client = zeep.Client(wsdl, transport=transport)
    with _clients_lock:
        return _clients.setdefault(wsdl, client)


def forget_clients():
    with _clients_lock:
        _clients.clear()


def _check(wsdl, country_code, number, timeout):
    service = get_client(wsdl, timeout).service
    return service.checkVat(countryCode=vies_country(country_code), vatNumber=number)


def check_vat(wsdl, country_code, number, total_timeout):
    """The VIES answer (``valid``, ``name``, ...) for ``country_code`` + ``number``, within
    ``total_timeout`` seconds in all (WSDL included), else :class:`ViesTimeout`. Other failures
    (network, SOAP fault) are raised as they come."""
    future = _executor.submit(_check, wsdl, country_code, number, total_timeout)
    try:
        return future.result(timeout=total_timeout)
    except concurrent.futures.TimeoutError:
        future.cancel()
        raise ViesTimeout() from None
