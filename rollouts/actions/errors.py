"""Why an action was not carried out, with the HTTP status code each reason maps to."""

from __future__ import annotations


class ActionError(Exception):
    """An action ended without success. `outcome` is an ActionRecord.Outcome value."""

    status_code = 502
    outcome = "error"

    def __init__(self, message: str, *, reason: str = "", status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason or type(self).__name__
        if status_code is not None:
            self.status_code = status_code


class Refused(ActionError):
    """The rollout moved on, or a precondition failed: nothing was sent."""

    status_code = 409
    outcome = "refused"


class BadInput(ActionError):
    """The parameters cannot be acted on (unknown action, wrong type, unknown revision)."""

    status_code = 422
    outcome = "refused"

    def __init__(self, message: str, *, reason: str = "Invalid") -> None:
        super().__init__(message, reason=reason)
