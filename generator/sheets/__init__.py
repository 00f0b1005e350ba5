"""Scannable answer sheets: layout (``layout``) and LaTeX rendering (``render``); see ``writers.sheets``."""
