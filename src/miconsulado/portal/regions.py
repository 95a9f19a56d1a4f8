"""States and provinces by the postal code offices carry, named in Spanish and English.

The catalog keeps only the code (TX, QC): people search and read by name, and in Spanish the names
differ ("Nuevo México", "Carolina del Norte"). Every region with an office is here, and the rest of
the two countries too, so that a new office needs no change.
"""

from __future__ import annotations

from typing import NamedTuple


class Region(NamedTuple):
    name_es: str
    name_en: str


REGIONS: dict[tuple[str, str], Region] = {
    ("US", code): Region(es, en)
    for code, es, en in [
        ("AL", "Alabama", "Alabama"),
        ("AK", "Alaska", "Alaska"),
        ("AZ", "Arizona", "Arizona"),
        ("AR", "Arkansas", "Arkansas"),
        ("CA", "California", "California"),
        ("CO", "Colorado", "Colorado"),
        ("CT", "Connecticut", "Connecticut"),
        ("DE", "Delaware", "Delaware"),
        ("DC", "Distrito de Columbia", "District of Columbia"),
        ("FL", "Florida", "Florida"),
        ("GA", "Georgia", "Georgia"),
        ("HI", "Hawái", "Hawaii"),
        ("ID", "Idaho", "Idaho"),
        ("IL", "Illinois", "Illinois"),
        ("IN", "Indiana", "Indiana"),
        ("IA", "Iowa", "Iowa"),
        ("KS", "Kansas", "Kansas"),
        ("KY", "Kentucky", "Kentucky"),
        ("LA", "Luisiana", "Louisiana"),
        ("ME", "Maine", "Maine"),
        ("MD", "Maryland", "Maryland"),
        ("MA", "Massachusetts", "Massachusetts"),
        ("MI", "Míchigan", "Michigan"),
        ("MN", "Minnesota", "Minnesota"),
        ("MS", "Misisipi", "Mississippi"),
        ("MO", "Misuri", "Missouri"),
        ("MT", "Montana", "Montana"),
        ("NE", "Nebraska", "Nebraska"),
        ("NV", "Nevada", "Nevada"),
        ("NH", "Nuevo Hampshire", "New Hampshire"),
        ("NJ", "Nueva Jersey", "New Jersey"),
        ("NM", "Nuevo México", "New Mexico"),
        ("NY", "Nueva York", "New York"),
        ("NC", "Carolina del Norte", "North Carolina"),
        ("ND", "Dakota del Norte", "North Dakota"),
        ("OH", "Ohio", "Ohio"),
        ("OK", "Oklahoma", "Oklahoma"),
        ("OR", "Oregón", "Oregon"),
        ("PA", "Pensilvania", "Pennsylvania"),
        ("PR", "Puerto Rico", "Puerto Rico"),
        ("RI", "Rhode Island", "Rhode Island"),
        ("SC", "Carolina del Sur", "South Carolina"),
        ("SD", "Dakota del Sur", "South Dakota"),
        ("TN", "Tennessee", "Tennessee"),
        ("TX", "Texas", "Texas"),
        ("UT", "Utah", "Utah"),
        ("VT", "Vermont", "Vermont"),
        ("VA", "Virginia", "Virginia"),
        ("WA", "Washington", "Washington"),
        ("WV", "Virginia Occidental", "West Virginia"),
        ("WI", "Wisconsin", "Wisconsin"),
        ("WY", "Wyoming", "Wyoming"),
    ]
} | {
    ("CA", code): Region(es, en)
    for code, es, en in [
        ("AB", "Alberta", "Alberta"),
        ("BC", "Columbia Británica", "British Columbia"),
        ("MB", "Manitoba", "Manitoba"),
        ("NB", "Nuevo Brunswick", "New Brunswick"),
        ("NL", "Terranova y Labrador", "Newfoundland and Labrador"),
        ("NS", "Nueva Escocia", "Nova Scotia"),
        ("NT", "Territorios del Noroeste", "Northwest Territories"),
        ("NU", "Nunavut", "Nunavut"),
        ("ON", "Ontario", "Ontario"),
        ("PE", "Isla del Príncipe Eduardo", "Prince Edward Island"),
        ("QC", "Quebec", "Quebec"),
        ("SK", "Saskatchewan", "Saskatchewan"),
        ("YT", "Yukón", "Yukon"),
    ]
}


def region(country: str, code: str) -> Region:
    """The region's names; an unknown code is shown as it is rather than hidden."""
    return REGIONS.get((country, code), Region(code, code))


class Zone(NamedTuple):
    name_es: str
    name_en: str


# The zones offices are in, as people call them. Arizona keeps standard time all year, and says so.
ZONES: dict[str, Zone] = {
    "America/New_York": Zone("hora del Este", "Eastern Time"),
    "America/Detroit": Zone("hora del Este", "Eastern Time"),
    "America/Indiana/Indianapolis": Zone("hora del Este", "Eastern Time"),
    "America/Toronto": Zone("hora del Este", "Eastern Time"),
    "America/Chicago": Zone("hora del Centro", "Central Time"),
    "America/Denver": Zone("hora de la Montaña", "Mountain Time"),
    "America/Boise": Zone("hora de la Montaña", "Mountain Time"),
    "America/Edmonton": Zone("hora de la Montaña", "Mountain Time"),
    "America/Phoenix": Zone("hora de la Montaña, sin horario de verano", "Mountain Time, no daylight saving"),
    "America/Los_Angeles": Zone("hora del Pacífico", "Pacific Time"),
    "America/Vancouver": Zone("hora del Pacífico", "Pacific Time"),
    "America/Puerto_Rico": Zone("hora del Atlántico", "Atlantic Time"),
}
