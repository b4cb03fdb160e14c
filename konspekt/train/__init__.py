"""``konspekt.train``: what goes around a training loop; for now ``summary`` of a network."""

from .summary import Summary, SummaryRow, summary

__all__ = ["Summary", "SummaryRow", "summary"]
