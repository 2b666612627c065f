"""The xlsx layer: reading and writing the Office Open XML package of a workbook.

Nothing here knows about indicators: the entry guard (what a file really is), the package
patch writer (edits only the parts the tool owns, copies every other part byte for byte),
atomic replacement and the XML and zip primitives they share.
"""
