"""The kinds of record device and server share: their field models (`models`), what each kind is (`kinds`),
and the one check of a wire value against its field (`shape`)."""
