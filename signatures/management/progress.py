"""The one-line progress bar of the commands that write signer lists (exports, delivery packets)."""


class ProgressBar:
    """A one-line progress bar, redrawn only when the percentage changes.

    Commands make one only when their output is a terminal: a pipe or a log
    gets no control characters.
    """

    WIDTH = 40

    def __init__(self, out, total: int):
        self.out, self.total, self.rows, self.shown = out, total, 0, -1

    def advance(self, rows: int = 1) -> None:
        self.rows = min(self.total, self.rows + rows)
        percent = self.rows * 100 // self.total if self.total else 100
        if percent != self.shown:
            self.shown = percent
            filled = self.WIDTH * percent // 100
            self.out.write(f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {percent:3d}% ", ending="")
            self.out.flush()

    def done(self) -> None:
        self.out.write("")
