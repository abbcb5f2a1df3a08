// OrderCloud's own JavaScript SDK (npm ordercloud-javascript-sdk, unchanged) against a seeded
// sandbox: sign-in, refresh, lists with search / sort / filters, writes, errors as the SDK reads
// them, impersonation through a config with As(), and an anonymous shopper. Run by scripts/sdk.
import test from 'node:test';
import assert from 'node:assert/strict';
import { Configuration, Auth, Tokens, Me, Buyers, Users, AdminUsers, SecurityProfiles, ApiClients } from 'ordercloud-javascript-sdk';

const api = process.env.GATEHOUSE_API;
const demo = JSON.parse(process.env.GATEHOUSE_SEED || '{}');
if (!api || !demo.admin) throw new Error('run through scripts/sdk (GATEHOUSE_API and GATEHOUSE_SEED)');
const client = demo.admin.client_id;
const storefront = demo.rep.storefront_client_id;
Configuration.Set({ baseApiUrl: api, apiVersion: 'v1', clientID: client });

const signIn = async (who) => {
  const t = await Auth.Login(demo[who].username, demo[who].password, client);
  assert.equal(t.token_type, 'bearer');
  return t;
};
const rejects = async (promise, status, code) => {
  await assert.rejects(promise, (e) => {
    assert.equal(e.isOrderCloudError, true, String(e));
    assert.equal(e.status, status);
    assert.equal(e.errorCode, code);
    return true;
  });
};

test('an admin signs in, reads Me, and lists with search, sort, paging and filters', async () => {
  const t = await signIn('admin');
  Tokens.SetAccessToken(t.access_token);
  Tokens.SetRefreshToken(t.refresh_token);
  const me = await Me.Get();
  assert.equal(me.Username, demo.admin.username);
  assert.ok(me.AvailableRoles.includes('GrantForAnyRole'));
  for (const i of [1, 2, 3]) await Buyers.Create({ ID: `SDK_${i}`, Name: `SDK buyer ${i}`, Active: i !== 2 });
  const page = await Buyers.List({ search: 'SDK', sortBy: ['!Name'], pageSize: 2 });
  assert.deepEqual(page.Items.map((b) => b.ID), ['SDK_3', 'SDK_2']);
  assert.equal(page.Meta.TotalCount, 3);
  assert.equal(page.Meta.TotalPages, 2);
  const active = await Buyers.List({ filters: { ID: 'SDK_*', Active: true } });
  assert.deepEqual(active.Items.map((b) => b.ID).sort(), ['SDK_1', 'SDK_3']);
  const user = await Users.Create('SDK_1', { ID: 'SDK_USER', Username: 'sdkuser', Password: 'sdkpassword1', FirstName: 'S', LastName: 'D', Email: 's@example.com', Active: true });
  assert.equal(user.ID, 'SDK_USER');
  const patched = await Users.Patch('SDK_1', 'SDK_USER', { xp: { tier: 'gold' } });
  assert.equal(patched.xp.tier, 'gold');
  await Buyers.Delete('SDK_2');
  await rejects(Buyers.Get('SDK_2'), 404, 'NotFound');
  // the refresh grant, as the SDK sends it
  const fresh = await Auth.RefreshToken(t.refresh_token, client);
  assert.ok(fresh.access_token);
});

test('errors reach the SDK in the API shape: validation, roles, tokens', async () => {
  const admin = await signIn('admin');
  await rejects(AdminUsers.Create({ Username: 'incomplete' }, { accessToken: admin.access_token }), 400, 'ValidationFailure');
  const buyer = await signIn('buyer');
  await rejects(AdminUsers.List({}, { accessToken: buyer.access_token }), 403, 'InsufficientRoles');
  // a token the sandbox did not sign (the SDK itself refuses one it cannot read)
  const [h, p, sig] = admin.access_token.split('.');
  await rejects(ApiClients.List({}, { accessToken: `${h}.${p}.${sig.split('').reverse().join('')}` }), 401, 'InvalidToken');
  await assert.rejects(Auth.Login(demo.admin.username, 'wrong-password', client), (e) => e.status === 400);
  // granting roles one lacks is refused for a user without GrantForAnyRole, as on the real API
  const profiles = await SecurityProfiles.List({}, { accessToken: admin.access_token });
  assert.ok(profiles.Items.length >= 3);
});

test('a rep impersonates a buyer user through a config and calls As() that user', async () => {
  const rep = await signIn('rep');
  Tokens.SetAccessToken(rep.access_token);
  const imp = await Users.GetAccessToken(demo.buyer.buyer_id, demo.buyer.user_id, { ClientID: storefront, Roles: ['Shopper', 'MeAdmin'] });
  Tokens.SetImpersonationToken(imp.access_token);
  const asBuyer = await Me.As().Get();
  assert.equal(asBuyer.Username, demo.buyer.username);
  const asRep = await Me.Get();
  assert.equal(asRep.Username, demo.rep.username);
  // the impersonation token cannot change the buyer's password
  await rejects(Me.As().Patch({ Password: 'takenover001' }), 403, 'Impersonation.Restricted');
});

test('an anonymous shopper is its own identity', async () => {
  const admin = await signIn('admin');
  await ApiClients.Patch(storefront, { IsAnonBuyer: true, DefaultContextUserName: demo.buyer.username }, { accessToken: admin.access_token });
  const anon = await Auth.Anonymous(storefront, ['Shopper', 'MeAdmin']);
  assert.equal(anon.refresh_token, undefined);
  const me = await Me.Get({ accessToken: anon.access_token });
  assert.match(me.ID, /^anon-/);
  assert.notEqual(me.Username, demo.buyer.username);
});
