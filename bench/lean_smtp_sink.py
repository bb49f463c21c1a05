"""A lean SMTP sink for the outbox benchmark (Python aiosmtpd, like
tests/support/smtp_sink.py, but without parsing the MIME message).

The test suite's sink parses every message with Python's email package,
which costs about 5 ms of CPU per message and caps it near 120-150
messages/s on the 2-core benchmark machine. This one accepts the same SMTP
conversation and writes one small JSON file per message (envelope recipients
and the Message-ID header, read with a regular expression), so the benchmark
can see how fast the outbox worker itself goes.
"""

import argparse
import asyncio
import json
import os
import re
import signal
import uuid

from aiosmtpd.controller import Controller

MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(.*?)\r?$", re.IGNORECASE | re.MULTILINE)


class Sink:
    def __init__(self, directory):
        self.directory = directory

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", "replace")
        head = content.split(b"\r\n\r\n", 1)[0]
        found = MESSAGE_ID.search(head)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "message_id": found.group(1).decode("ascii", "replace") if found else None,
            "bytes": len(content),
        }
        name = os.path.join(self.directory, f"{uuid.uuid4().hex}.json")
        with open(name + ".tmp", "w", encoding="utf-8") as handle:
            json.dump(record, handle)
        os.replace(name + ".tmp", name)
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    controller = Controller(Sink(args.dir), hostname="127.0.0.1", port=args.port)
    controller.start()
    print("ready", flush=True)
    loop = asyncio.new_event_loop()
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    loop.run_until_complete(stop)
    controller.stop()


if __name__ == "__main__":
    main()
