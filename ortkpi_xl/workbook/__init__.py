"""The workbook adapter: finding site tables in a workbook, reading them, writing results.

``layout`` works on plain grids of values (shared with the xlwings buttons); ``reader`` and
``writer`` are the openpyxl side; ``changes`` is the contract between the computation and any
writer; ``package`` is the writer for a person's workbook (it edits only the XML parts the tool
owns and copies every other part byte for byte), ``risks`` what an openpyxl save would lose.
"""
