#!/usr/bin/env python3
"""Send a known set of spans and logs to heisen's OTLP/HTTP receiver with the real
OpenTelemetry Python SDK (protobuf over HTTP). Usage: otel_sdk_client.py http://127.0.0.1:PORT"""
import sys, logging

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.trace import Status, StatusCode

endpoint = sys.argv[1]
resource = Resource.create({"service.name": "sdk-checkout", "deployment.environment": "prod"})
provider = TracerProvider(resource=resource)
provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(endpoint=f"{endpoint}/v1/traces")))
tracer = provider.get_tracer("heisen-test")
with tracer.start_as_current_span("POST /checkout", attributes={"http.status_code": 500, "cart.items": 3}) as root:
    for i in range(3):
        with tracer.start_as_current_span(f"db query {i}", attributes={"db.system": "postgresql"}):
            pass
    root.add_event("retry", {"attempt": 2})
    root.set_status(Status(StatusCode.ERROR, "payment declined"))
provider.shutdown()

try:
    from opentelemetry._logs import set_logger_provider
    from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
    from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    lp = LoggerProvider(resource=resource)
    lp.add_log_record_processor(SimpleLogRecordProcessor(OTLPLogExporter(endpoint=f"{endpoint}/v1/logs")))
    handler = LoggingHandler(logger_provider=lp)
    log = logging.getLogger("sdk-test")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.info("order placed", extra={"order.id": "o-1"})
    log.warning("inventory low", extra={"sku": "A-7"})
    log.error("payment declined", extra={"order.id": "o-1"})
    lp.shutdown()
    print("sent 4 spans and 3 logs")
except ImportError as e:
    print(f"sent 4 spans; logs API not available: {e}")
