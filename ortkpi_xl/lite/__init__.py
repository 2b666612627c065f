"""xlwings Lite: the workbook that carries ortkpi-xl (``ortkpi-xl lite``)."""
