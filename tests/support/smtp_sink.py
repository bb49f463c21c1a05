"""A real SMTP server for the integration tests (aiosmtpd).

Every accepted message is parsed with Python's email package and written as
one JSON file (envelope, decoded subject, text and HTML parts, Message-ID) in
--dir, so tests can read exactly what a mail client would show.
Recipients whose address contains --reject get a permanent 550 reply.
"""

import argparse
import asyncio
import email
import email.policy
import json
import os
import signal
import uuid

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory, reject):
        self.directory = directory
        self.reject = reject

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject and self.reject in address:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        text = html = None
        for part in message.walk():
            kind = part.get_content_type()
            if kind == "text/plain" and text is None:
                text = part.get_content()
            elif kind == "text/html" and html is None:
                html = part.get_content()
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "subject": str(message["subject"]),
            "to": str(message["to"]),
            "message_id": str(message["message-id"]),
            "content_type": message.get_content_type(),
            "text": text,
            "html": html,
        }
        name = os.path.join(self.directory, f"{uuid.uuid4().hex}.json")
        with open(name + ".tmp", "w", encoding="utf-8") as handle:
            json.dump(record, handle, ensure_ascii=False)
        os.replace(name + ".tmp", name)
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--reject", default="")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    controller = Controller(Sink(args.dir, args.reject), hostname="127.0.0.1", port=args.port)
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
