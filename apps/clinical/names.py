"""Invented names for demo and benchmark patients (no real person)."""

FIRST = ["Amara", "Bastian", "Celia", "Dorian", "Elif", "Farrah", "Gideon", "Hana", "Ivo", "Jolene", "Kasimir",
         "Lucia", "Matteo", "Noor", "Odette", "Pavel", "Quinn", "Rosalind", "Soren", "Talia", "Ulric", "Vera",
         "Wendell", "Xenia", "Yusuf", "Zora", "Anselm", "Brielle", "Cosmo", "Delphine", "Emrys", "Fenna"]
LAST = ["Abernathy", "Brightwater", "Calloway", "Dunmore", "Everly", "Fairbanks", "Galloway", "Hartwell",
        "Ingleby", "Jardine", "Kestrel", "Larkspur", "Merriweather", "Northcott", "Oakhurst", "Pemberton",
        "Quarry", "Redfern", "Stanwick", "Thistlewood", "Underhill", "Vantongeren", "Whitlock", "Yardley"]
