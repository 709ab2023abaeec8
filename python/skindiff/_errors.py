"""skindiff.Error and one subclass per library status (skd_status)."""


class Error(Exception):
    """A library call failed. status: the skd_status number; name: its
    skd_strerror() text; message: the library's detail (skd_ctx_message)."""

    def __init__(self, status, name, message):
        self.status = status
        self.name = name
        self.message = message
        super().__init__(f"{message} ({name})" if message else name)


class OutOfMemoryError(Error, MemoryError):
    """SKD_E_NOMEM"""


class InvalidArgumentError(Error, ValueError):
    """SKD_E_INVALID: a bad argument or option value."""


class FileError(Error):
    """SKD_E_IO: a file could not be opened, read or written."""


class FormatError(Error):
    """SKD_E_FORMAT: not an image format this build reads."""


class CorruptError(Error):
    """SKD_E_CORRUPT: truncated or damaged image data."""


class UnsupportedError(Error):
    """SKD_E_UNSUPPORTED: a valid but unsupported variant."""


class LimitError(Error):
    """SKD_E_LIMIT: the image exceeds the configured limits."""


class NoRegionError(Error):
    """SKD_E_NO_REGION: nothing measurable in the photo."""


class AlignError(Error):
    """SKD_E_ALIGN: the two photos cannot be aligned."""


class DatabaseError(Error):
    """SKD_E_DB: results database error."""


class BusyError(DatabaseError):
    """SKD_E_BUSY: the database is in use by another run."""


class InternalError(Error):
    """SKD_E_INTERNAL: a bug in the library."""


class WhiteRefError(Error, ValueError):
    """SKD_E_WHITE_REF: the white reference patch cannot be used (clipped,
    too dark, too small, not uniform)."""


BY_STATUS = {
    1: OutOfMemoryError,
    2: InvalidArgumentError,
    3: FileError,
    4: FormatError,
    5: CorruptError,
    6: UnsupportedError,
    7: LimitError,
    8: NoRegionError,
    9: AlignError,
    10: DatabaseError,
    11: BusyError,
    12: InternalError,
    13: WhiteRefError,
}


def error_for(status, name, message):
    return BY_STATUS.get(status, Error)(status, name, message)
