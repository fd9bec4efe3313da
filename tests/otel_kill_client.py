#!/usr/bin/env python3
"""Send spans with the real OpenTelemetry Python SDK exporter (protobuf over HTTP) for a while,
and print the name of every span whose export was acknowledged (SUCCESS), one per line.
Usage: otel_kill_client.py http://127.0.0.1:PORT SECONDS TAG"""
import sys
import time

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SpanExportResult

endpoint, seconds, tag = sys.argv[1], float(sys.argv[2]), sys.argv[3]
exporter = OTLPSpanExporter(endpoint=f"{endpoint}/v1/traces", timeout=2)
tracer = TracerProvider(resource=Resource.create({"service.name": "kill-test"})).get_tracer("kill")
deadline = time.time() + seconds
i = 0
while time.time() < deadline:
    batch = []
    for k in range(5):
        span = tracer.start_span(f"{tag}-{i}-{k}")
        span.end()
        batch.append(span)
    if exporter.export(batch) == SpanExportResult.SUCCESS:
        for span in batch:
            print(span.name, flush=True)
    i += 1
