// A real OpenID provider (panva's oidc-provider, OpenID-certified) for the sign-in tests.
// Configured by environment:
//   OIDC_TEST_PORT       the port to listen on (127.0.0.1)
//   OIDC_TEST_CLIENTS    JSON list of clients: {client_id, client_secret, redirect_uris, post_logout_redirect_uris}
//   OIDC_TEST_ACCOUNTS   JSON object: login name -> claims that replace the defaults for that name
//   OIDC_TEST_ID_TOKEN_TTL     seconds an ID token is valid (default 3600)
//   OIDC_TEST_TOKEN_DELAY_MS   hold the token endpoint's answer this long (a slow network), default 0
//   OIDC_TEST_NO_LOGOUT        "1": publish no end_session_endpoint (as Google does)
// Any login name signs in (the built-in development login page); its claims default to
// sub = the name, email = NAME@example.org, email_verified = true, name = the name.
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_TEST_PORT || 0);
if (!port) throw new Error('set OIDC_TEST_PORT');
const clients = JSON.parse(process.env.OIDC_TEST_CLIENTS || '[]').map((client) => ({
  grant_types: ['authorization_code'],
  response_types: ['code'],
  ...client,
}));
const accounts = JSON.parse(process.env.OIDC_TEST_ACCOUNTS || '{}');
const idTokenTtl = Number(process.env.OIDC_TEST_ID_TOKEN_TTL || 3600);
const tokenDelay = Number(process.env.OIDC_TEST_TOKEN_DELAY_MS || 0);

// A new signing key at every start, always with the same key id: a relying party that cached the
// previous start's key set then holds a token signed by a key it does not have under that id.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-signing-key', use: 'sig', alg: 'RS256' };

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients,
  jwks: { keys: [signingKey] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'unit', 'job_role'],
  },
  features: { rpInitiatedLogout: { enabled: process.env.OIDC_TEST_NO_LOGOUT !== '1' } },
  ttl: { IdToken: idTokenTtl },
  async findAccount(ctx, id) {
    const claims = { sub: id, email: `${id}@example.org`, email_verified: true, name: id, ...accounts[id] };
    return { accountId: id, claims: async () => claims };
  },
});

provider.use(async (ctx, next) => {
  await next();
  if (tokenDelay && ctx.path === '/token') await new Promise((resolve) => setTimeout(resolve, tokenDelay));
});

provider.listen(port, '127.0.0.1', () => console.log(`ready ${provider.issuer}`));
