#!/usr/bin/env python3
"""Checks that every rule of Rules/sigma (detections, and the correlation rules of Rules/sigma/siem)
converts to Splunk SPL and Elasticsearch ES|QL with
rdpcause's pySigma pipeline (Rules/pysigma/rdpcause-windows.yml) and keeps a channel condition.

Run inside a virtual environment with sigma-cli, pysigma-backend-splunk and
pysigma-backend-elasticsearch (scripts/check-siem-conversion.sh makes one). Prints one line per
rule a backend cannot express, with the reason, and exits 1 when a rule fails to convert or loses
its channel condition.
"""
import pathlib
import sys

from sigma.backends.elasticsearch import ESQLBackend
from sigma.backends.splunk import SplunkBackend
from sigma.collection import SigmaCollection
from sigma.correlations import SigmaCorrelationRule
from sigma.exceptions import SigmaFeatureNotSupportedByBackendError
from sigma.pipelines.splunk import splunk_windows_pipeline
from sigma.processing.pipeline import ProcessingPipeline

ROOT = pathlib.Path(__file__).resolve().parent.parent
PIPELINE = ProcessingPipeline.from_yaml((ROOT / "Rules/pysigma/rdpcause-windows.yml").read_text())

# The channel (or Splunk source) each log source must keep in the query.
CHANNELS = {
    "system": "System",
    "security": "Security",
    "firewall-as": "Microsoft-Windows-Windows Firewall With Advanced Security/Firewall",
    "terminalservices-localsessionmanager": "Microsoft-Windows-TerminalServices-LocalSessionManager/Operational",
    "terminalservices-remoteconnectionmanager": "Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational",
    "rdpcorets": "Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational",
    "terminalservices-rdpclient": "Microsoft-Windows-TerminalServices-RDPClient/Operational",
    "terminalservices-gateway": "Microsoft-Windows-TerminalServices-Gateway/Operational",
    "user-profile-service": "Microsoft-Windows-User Profile Service/Operational",
}
# Services the ES|QL backend has no Windows pipeline for: only rdpcause's own are given a channel.
OWN_SERVICES = {
    "terminalservices-remoteconnectionmanager", "rdpcorets", "terminalservices-rdpclient", "user-profile-service",
    "terminalservices-gateway",
}


def backends():
    yield "splunk", SplunkBackend(PIPELINE + splunk_windows_pipeline()), set(CHANNELS)
    yield "esql", ESQLBackend(PIPELINE), OWN_SERVICES


def main() -> int:
    files = sorted((ROOT / "Rules/sigma").rglob("*.yml"))
    # One collection, so that correlation rules find the rules they reference.
    collection = SigmaCollection.load_ruleset([str(path) for path in files])
    failures = 0
    counts = {}
    for rule in collection.rules:
        source = pathlib.Path(str(rule.source.path)).name if rule.source and rule.source.path else rule.title
        service = getattr(getattr(rule, "logsource", None), "service", None)
        for name, backend, checked in backends():
            try:
                if isinstance(rule, SigmaCorrelationRule):
                    # A correlation converts with the rules it references, as one collection.
                    referenced = [reference.rule for reference in rule.rules]
                    queries = backend.convert(SigmaCollection(referenced + [rule]))
                else:
                    queries = backend.convert_rule(rule)
            except SigmaFeatureNotSupportedByBackendError as error:
                print(f"{source}: {name}: cannot express it: {error}")
                continue
            except Exception as error:
                print(f"{source}: {name}: conversion failed: {error}")
                failures += 1
                continue
            counts[name] = counts.get(name, 0) + 1
            if service in checked and not all(CHANNELS[service] in str(query) for query in queries):
                print(f"{source}: {name}: the query lost the channel of '{service}': {queries}")
                failures += 1
    print(f"check-siem-conversion: {len(collection.rules)} rules; converted "
          + ", ".join(f"{name} {count}" for name, count in sorted(counts.items()))
          + f"; {failures} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
