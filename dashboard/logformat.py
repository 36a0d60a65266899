"""`LOG_FORMAT=json`: one JSON object per line, for log collectors.

Fields: time (UTC, RFC 3339 with milliseconds), level, logger, message, then every `extra=`
field the call passed; an exception comes as one string under "exception". A value JSON cannot
hold is written as its repr, so logging never fails on what it was given.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

# What every LogRecord carries; anything else on a record came from `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, UTC)
        entry: dict[str, object] = {
            "time": stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=repr, ensure_ascii=False)
