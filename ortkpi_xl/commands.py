"""Sub-commands that act on workbooks are registered by importing their modules here."""
