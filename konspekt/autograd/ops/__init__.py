"""The differentiable operations, one family per module."""
