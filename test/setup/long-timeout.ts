// Integration and end-to-end suites start real databases and servers.
jest.setTimeout(60_000);
