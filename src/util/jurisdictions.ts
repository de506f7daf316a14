// Groups of countries that the configuration names by one word: the EU's member states and the EEA.

/** The 27 EU member states: `EU` in a jurisdiction's countries. `EEA` adds Iceland, Liechtenstein and Norway. */
export const EU_MEMBER_STATES: ReadonlySet<string> = new Set([
  'AT',
  'BE',
  'BG',
  'HR',
  'CY',
  'CZ',
  'DK',
  'EE',
  'FI',
  'FR',
  'DE',
  'GR',
  'HU',
  'IE',
  'IT',
  'LV',
  'LT',
  'LU',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SK',
  'SI',
  'ES',
  'SE',
]);
/** The EEA's members outside the EU. */
export const EEA_ONLY = new Set(['IS', 'LI', 'NO']);

/** EU and EEA members together. */
export const EU_EEA: ReadonlySet<string> = new Set([...EU_MEMBER_STATES, ...EEA_ONLY]);
