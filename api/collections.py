"""API collections: versions, clock transitions and tombstones (filled in below)."""


def connect_signals() -> None:
    pass
