"""The whole exception tree of creative-ai.

    CreativeAIError                    base; every error we raise on purpose
    ├── InputError                     the user's input is wrong (CLI exit 2, HTTP 422)
    │   ├── BriefError                 the brief fails validation; carries field-level issues
    │   ├── AssetError                 an input image or logo is missing, corrupt or too large
    │   ├── SpendCapError              the run's estimated cost is over the spend cap: refused before any call
    │   └── ComplianceError            the copy carries a prohibited term: refused before any generation
    ├── ConfigurationError             settings or environment are wrong (CLI exit 3)
    │   └── KeyRefused                 a vendor refused the key mid-run: the remaining paid calls were not made
    ├── ProviderError                  an image provider failed (mapped from vendor errors where they enter)
    │   ├── ProviderUnavailable        unknown provider or model, or no key (CLI exit 3)
    │   ├── GenerationFailed           a generation failed for good; the variants of its product fail
    │   │   ├── ProviderAuthError      the vendor refused the key (never retried)
    │   │   ├── ContentRefused         the vendor refused the prompt (never retried)
    │   │   └── BadResponse            the vendor answered something that is not an image
    │   └── TransientProviderError     worth retrying: 5xx, timeout, connection
    │       └── RateLimited            429; carries the vendor's Retry-After in seconds
    ├── RenderError                    one variant could not be rendered (it fails, others go on)
    │   ├── TextFitError               the copy does not fit at the minimum font size
    │   └── GlyphCoverageError         no available font covers the copy
    ├── StorageError                   a file could not be written or read where it must be
    ├── QueueUnavailable               the broker cannot take work now (the job waits in the database for it)
    ├── DeliveryError                  an alert channel (SMTP, webhook) could not deliver a message
    └── NotAllowed                     the person signed in lacks the role this needs (HTTP 403)

Front doors map these in one place each: the CLI's exit codes (``cli/app.py``), the API's exception handlers
(``api/errors.py``), the MCP tool wrapper (``mcp_server/server.py``) and the job runner (``jobs/``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class CreativeAIError(Exception):
    """Base of every error creative-ai raises on purpose."""


@dataclass(frozen=True)
class FieldIssue:
    """One problem in the input, located by its field path (``products[1].id``)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class InputError(CreativeAIError):
    """The user's input is wrong; nothing was written."""


class BriefError(InputError):
    """A brief failed validation. ``issues`` lists every problem found, each with its field path."""

    def __init__(self, issues: list[FieldIssue], *, source: str = "") -> None:
        self.issues = list(issues)
        self.source = source
        head = f"invalid brief {source}" if source else "invalid brief"
        lines = "\n".join(f"  - {issue}" for issue in self.issues)
        super().__init__(f"{head}:\n{lines}")


class AssetError(InputError):
    """An input asset (packshot, logo) is missing, unreadable, corrupt or too large."""


class ConfigurationError(CreativeAIError):
    """Settings or the environment are wrong."""


class KeyRefused(ConfigurationError):
    """A vendor refused the API key during a run: the run stopped its remaining paid calls at once."""


class ProviderError(CreativeAIError):
    """An image provider failed."""


class ProviderUnavailable(ProviderError):
    """The provider is unknown or cannot be used in this configuration."""


class GenerationFailed(ProviderError):
    """A generation failed for good (after its retries, or at once when retrying cannot help)."""


class ProviderAuthError(GenerationFailed):
    """The vendor refused the credentials."""


class ContentRefused(GenerationFailed):
    """The vendor refused to generate for this prompt."""


class BadResponse(GenerationFailed):
    """The vendor's answer is not what its API promises (malformed JSON, no image)."""


class TransientProviderError(ProviderError):
    """A failure worth retrying: server error, timeout, lost connection."""


class RateLimited(TransientProviderError):
    """HTTP 429. ``retry_after`` is the vendor's requested wait in seconds, when it sent one."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RenderError(CreativeAIError):
    """A variant could not be rendered; that variant fails, the others go on."""


class TextFitError(RenderError):
    """The copy does not fit its text box at the minimum font size."""


class GlyphCoverageError(RenderError):
    """No available font covers every character of the copy."""


class StorageError(CreativeAIError):
    """A file could not be stored or read."""


class TermHit(Protocol):
    """A prohibited or restricted term found in the copy (see ``checks/legal.py``)."""

    @property
    def field(self) -> str: ...
    @property
    def locale(self) -> str: ...
    @property
    def term(self) -> str: ...
    @property
    def rule(self) -> str: ...
    @property
    def source(self) -> str: ...


class SpendCapError(InputError):
    """The run's estimated cost is over the spend cap: refused before any provider call."""


class ComplianceError(InputError):
    """Prohibited terms in the brief's copy: the campaign is refused before anything is generated."""

    def __init__(self, hits: Sequence[TermHit]) -> None:
        self.hits = list(hits)
        lines = [f"{h.field} ({h.locale}): prohibited term {h.term!r} (rule {h.rule}, {h.source})" for h in hits]
        super().__init__("copy breaks legal rules; nothing was generated:\n  - " + "\n  - ".join(lines))


class QueueUnavailable(CreativeAIError):
    """The broker cannot take work right now; what was to be sent stays recorded and is sent when it is back."""


class DeliveryError(CreativeAIError):
    """A channel could not deliver a message."""


class NotAllowed(CreativeAIError):
    """The person signed in holds none of the roles this needs (e.g. a market reviewer of another market)."""
