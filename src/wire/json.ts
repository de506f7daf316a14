// JSON as it crosses the wire. A leaf: nothing under src/wire/ imports from the rest of src.

/** A JSON object as received on the wire; readers take the fields they need. */
export type JsonObject = Record<string, unknown>;
