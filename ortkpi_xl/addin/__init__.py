"""Le complément Excel ``ortkpi.xlam`` : ruban « Indicateurs ORT » et fonctions ``ORT_*``.

Built from text sources on any platform (``build.py``): the ribbon VBA in ``vba/``, the ribbon
XML ``customUI.xml``, xlwings' own VBA module, and the UDF wrappers that xlwings' generator
produces (``udf_vba.py``). ``install.py`` copies it where Excel loads it; ``excel_check.py``
proves on a machine with Excel what Linux cannot.
"""
