"""The one exception the CLI turns into a message on stderr and exit code 2."""


class QaplanError(Exception):
    """qaplan could not do its job; the message names the file and says what to do."""
