#!/usr/bin/env python3
"""Re-verify an InternalDesk audit export (JSON) without the desk: every entry's hash, and the links between
consecutive entries. Usage: python3 verify_audit_export.py audit-2026-11-28-0915.json

The canonical form is documented in docs/audit.md. Exit 0 when every entry verifies, 1 naming the first that does not.
"""
import hashlib
import json
import sys

FIELDS = ["Id", "At", "ActorKind", "ActorId", "Action", "EntityType", "EntityId", "TicketId",
          "Before", "After", "Source", "PrevHash"]


def canonical(entry):
    out = bytearray()
    for name in FIELDS:
        value = entry.get(name)
        text = "" if value is None else str(value)
        data = text.encode("utf-8")
        out += str(len(data)).encode("ascii") + b":" + data + b"\n"
    return bytes(out)


def main(path):
    with open(path, encoding="utf-8") as f:
        entries = json.load(f)
    previous = None
    linked = 0
    for e in entries:
        digest = hashlib.sha256(canonical(e)).hexdigest()
        if digest != e["Hash"]:
            print(f"entry {e['Id']}: its content does not match its hash (changed)")
            return 1
        if previous is not None and e["Id"] == previous["Id"] + 1:
            if e["PrevHash"] != previous["Hash"]:
                print(f"entry {e['Id']}: does not follow entry {previous['Id']} (inserted, removed or reordered)")
                return 1
            linked += 1
        if e["Id"] == 1 and e["PrevHash"] != "0" * 64:
            print("entry 1: its previous hash is not 64 zeros")
            return 1
        previous = e
    print(f"{len(entries)} entries verified; {linked} consecutive links checked")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
