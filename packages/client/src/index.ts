// origo-client: the typed SDK for origo and other rokka-compatible servers.
// Everything a user imports is exported from here.

export const CLIENT_VERSION = '0.1.0';
