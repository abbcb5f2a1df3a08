// Seed 004's quick start, run as written against a sandbox: create an organization, create an
// authentication session, and hand over the redirect URL (printed, for the browser test to open),
// then the same for a user added to that organization.
// Usage: node tests/oem/quickstart.mjs <API base> <client ID> <client secret>
const [API, CLIENT_ID, CLIENT_SECRET] = process.argv.slice(2);
// the seed's code calls relative URLs from a page on the API's host; here they go to API
const fetch = (path, init) => globalThis.fetch(API + path, init);
const opened = [];
const window = { open: (url) => opened.push(url) };
const stamp = Date.now().toString(36);

// 1. Create organization
const createOrgResponse = await fetch('/api/oem-api/organization', {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    grantType: 'client_credentials',
    scope: 'vendor_manage',
    data: {
      name: 'Example Corp',
      email: `john.${stamp}@example-corp.com`,
      firstName: 'John',
      lastName: 'Doe',
      vendorOrganizationId: `12345-${stamp}`
    }
  })
});

const orgData = await createOrgResponse.json();
const orgToken = orgData.organizationOemToken;

// 2. Create authentication session
const sessionResponse = await fetch('/api/oem-api/organization/session', {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    grantType: 'client_credentials',
    scope: 'vendor_manage',
    organizationOemToken: orgToken
  })
});

const sessionData = await sessionResponse.json();

// 3. Redirect user to application
window.open(sessionData.redirectUrl, '_blank');

// The same for a user added to that organization (lands as a Member)
const userResponse = await fetch('/api/oem-api/user', {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({
    clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, grantType: 'client_credentials', scope: 'vendor_manage',
    data: { email: `jane.${stamp}@example-corp.com`, firstName: 'Jane', lastName: 'Roe', vendorUserId: '5678', vendorOrganizationId: `12345-${stamp}` }
  })
});
const userData = await userResponse.json();
const userSession = await (await fetch('/api/oem-api/organization/session', {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, grantType: 'client_credentials', scope: 'vendor_manage', organizationOemToken: userData.organizationOemToken })
})).json();
window.open(userSession.redirectUrl, '_blank');

console.log(JSON.stringify({ stamp, statuses: [createOrgResponse.status, sessionResponse.status, userResponse.status], org: orgData, user: userData, opened }));
