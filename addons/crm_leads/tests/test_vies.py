import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..lib import vies
from .common import CrmLeadsCommon

WSDL = """<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema"
    xmlns:tns="urn:ec.europa.eu:taxud:vies:services:checkVat:types"
    xmlns:impl="urn:ec.europa.eu:taxud:vies:services:checkVat"
    targetNamespace="urn:ec.europa.eu:taxud:vies:services:checkVat">
  <wsdl:types>
    <xsd:schema elementFormDefault="qualified"
        targetNamespace="urn:ec.europa.eu:taxud:vies:services:checkVat:types">
      <xsd:element name="checkVat">
        <xsd:complexType><xsd:sequence>
          <xsd:element name="countryCode" type="xsd:string"/>
          <xsd:element name="vatNumber" type="xsd:string"/>
        </xsd:sequence></xsd:complexType>
      </xsd:element>
      <xsd:element name="checkVatResponse">
        <xsd:complexType><xsd:sequence>
          <xsd:element name="countryCode" type="xsd:string"/>
          <xsd:element name="vatNumber" type="xsd:string"/>
          <xsd:element name="requestDate" type="xsd:string"/>
          <xsd:element name="valid" type="xsd:boolean"/>
          <xsd:element name="name" type="xsd:string" minOccurs="0" nillable="true"/>
          <xsd:element name="address" type="xsd:string" minOccurs="0" nillable="true"/>
        </xsd:sequence></xsd:complexType>
      </xsd:element>
    </xsd:schema>
  </wsdl:types>
  <wsdl:message name="checkVatRequest"><wsdl:part name="parameters" element="tns:checkVat"/></wsdl:message>
  <wsdl:message name="checkVatResponse">
    <wsdl:part name="parameters" element="tns:checkVatResponse"/></wsdl:message>
  <wsdl:portType name="checkVatPortType">
    <wsdl:operation name="checkVat">
      <wsdl:input message="impl:checkVatRequest"/>
      <wsdl:output message="impl:checkVatResponse"/>
    </wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="checkVatBinding" type="impl:checkVatPortType">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="checkVat">
      <soap:operation soapAction=""/>
      <wsdl:input><soap:body use="literal"/></wsdl:input>
      <wsdl:output><soap:body use="literal"/></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="checkVatService">
    <wsdl:port name="checkVatPort" binding="impl:checkVatBinding">
      <soap:address location="%(base)s/service"/>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>
"""

RESPONSE = """<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
  <soap:Body>
    <checkVatResponse xmlns="urn:ec.europa.eu:taxud:vies:services:checkVat:types">
      <countryCode>%(cc)s</countryCode><vatNumber>%(number)s</vatNumber><requestDate>2026-01-01+01:00</requestDate>
      <valid>%(valid)s</valid><name>%(name)s</name><address>Rue 1, Bruxelles</address>
    </checkVatResponse>
  </soap:Body>
</soap:Envelope>
"""

FAULT = """<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
  <soap:Body><soap:Fault><faultcode>soap:Server</faultcode><faultstring>MS_UNAVAILABLE</faultstring></soap:Fault>
  </soap:Body>
</soap:Envelope>
"""


class FakeVies(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep the test log clean
        pass

    def _send(self, status, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.server.wsdl_reads += 1
        self._send(200, WSDL % {"base": "http://127.0.0.1:%s" % self.server.server_port})

    def _trickle(self):
        """One byte every half second: each read is quick, the whole answer never comes in time."""
        self.send_response(200)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", "1000")
        self.end_headers()
        for _i in range(40):
            self.wfile.write(b" ")
            self.wfile.flush()
            time.sleep(0.5)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        self.server.country_codes.append(body.split("countryCode>")[1].split("<")[0])
        if "TRICKLE" in body:
            self._trickle()
        elif "SLOW" in body:
            time.sleep(11)  # Odoo's test mode raises request timeouts below 10 s to 10 s
            self._send(200, FAULT)
        elif "500" in body:
            self._send(500, FAULT)
        else:
            valid = "true" if "0477472701" in body else "false"
            self._send(
                200, RESPONSE % {"cc": "BE", "number": "0477472701", "valid": valid, "name": "ODOO SA"}
            )


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    wsdl_reads = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country_codes = []

    def handle_error(self, request, client_address):
        pass


@tagged("post_install", "-at_install")
class TestVies(CrmLeadsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = QuietServer(("127.0.0.1", 0), FakeVies)
        cls.thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        cls.thread.start()
        cls.addClassCleanup(cls.server.server_close)
        cls.addClassCleanup(cls.server.shutdown)
        ICP = cls.env["ir.config_parameter"].sudo()
        ICP.set_param("crm_leads.vies_wsdl_url", "http://127.0.0.1:%s/wsdl" % cls.server.server_port)
        ICP.set_param("crm_leads.vies_timeout", 1)

    def test_valid_vat(self):
        lead = self.Lead.create({"name": "Odoo", "vat": "BE 0477.472.701", "user_id": self.user.id})
        action = lead.with_user(self.user).action_check_vat()
        self.assertEqual(lead.vat_check_state, "valid")
        self.assertIn("ODOO SA", lead.vat_check_message)
        self.assertEqual(action["params"]["type"], "success")

    def test_invalid_vat(self):
        lead = self.Lead.create({"name": "Fake", "vat": "BE0999999999"})
        lead.action_check_vat()
        self.assertEqual(lead.vat_check_state, "invalid")

    def test_fault_keeps_lead(self):
        lead = self.Lead.create({"name": "Down", "vat": "BE0500000000"})
        action = lead.action_check_vat()
        self.assertTrue(lead.exists())
        self.assertEqual(lead.vat_check_state, "error")
        self.assertIn("VIES VAT service failed", lead.vat_check_message)
        self.assertIn("MS_UNAVAILABLE", action["params"]["message"])

    def test_timeout_keeps_lead(self):
        lead = self.Lead.create({"name": "Slow", "vat": "BESLOW"})
        lead.vat = "BE0SLOW"
        lead.action_check_vat()
        self.assertTrue(lead.exists())
        self.assertEqual(lead.vat_check_state, "error")
        self.assertIn("did not answer in time", lead.vat_check_message)

    def test_unreachable_service(self):
        self.env["ir.config_parameter"].sudo().set_param("crm_leads.vies_wsdl_url", "http://127.0.0.1:9/none")
        lead = self.Lead.create({"name": "Nowhere", "vat": "BE0477472701"})
        lead.action_check_vat()
        self.assertEqual(lead.vat_check_state, "error")

    def test_one_bounded_total_time(self):
        lead = self.Lead.create({"name": "Trickle", "vat": "BE0TRICKLE"})
        started = time.monotonic()
        lead.action_check_vat()
        self.assertLess(time.monotonic() - started, 3, "1 s allowed, whatever the server trickles")
        self.assertEqual(lead.vat_check_state, "error")
        self.assertIn("did not answer in time", lead.vat_check_message)

    def test_greece_is_sent_as_el(self):
        lead = self.Lead.create({"name": "Athens", "vat": "GR 094259216"})
        lead.action_check_vat()
        self.assertEqual(self.server.country_codes[-1], "EL")

    def test_wsdl_read_once(self):
        vies.forget_clients()
        reads = self.server.wsdl_reads
        for vat in ("BE0477472701", "BE0999999999"):
            self.Lead.create({"name": vat, "vat": vat}).action_check_vat()
        self.assertEqual(self.server.wsdl_reads - reads, 1)

    def test_result_kept_for_a_user_without_email(self):
        self.user.partner_id.email = False
        lead = self.Lead.create({"name": "Odoo", "vat": "BE0477472701", "user_id": self.user.id})
        lead.with_user(self.user).action_check_vat()
        self.assertEqual(lead.vat_check_state, "valid")
        self.assertIn("ODOO SA", lead.message_ids[0].body)
        self.assertEqual(lead.message_ids[0].author_id, self.user.partner_id)

    def test_missing_vat(self):
        lead = self.Lead.create({"name": "No VAT"})
        with self.assertRaisesRegex(UserError, "VAT number"):
            lead.action_check_vat()
