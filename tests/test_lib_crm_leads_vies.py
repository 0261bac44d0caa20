"""crm_leads/lib/vies: country prefixes and one bounded total time per check, without Odoo."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import load_lib

pytest.importorskip("zeep", reason="zeep is not installed")
vies = load_lib("crm_leads", "vies")


@pytest.mark.parametrize(("iso", "expected"), [("GR", "EL"), ("gr", "EL"), ("BE", "BE"), ("", "")])
def test_vies_country(iso, expected):
    assert vies.vies_country(iso) == expected


class Trickle(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "100")
        self.end_headers()
        for _i in range(20):
            self.wfile.write(b" ")
            self.wfile.flush()
            time.sleep(0.25)


def test_total_time_is_bounded():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        started = time.monotonic()
        with pytest.raises(vies.ViesTimeout):
            vies.check_vat(f"http://127.0.0.1:{server.server_port}/wsdl", "BE", "0477472701", 0.5)
        assert time.monotonic() - started < 1.5
    finally:
        server.shutdown()
        server.server_close()
