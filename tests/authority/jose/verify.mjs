// Independent verification of an Authority token with the jose library: the key comes from the
// JWKS URL; the issuer is the fourth argument, else the JWKS URL's origin; the audience (third
// argument) is checked when given. Prints {header, payload} as JSON; exit 1 when verification fails.
// Usage: node verify.mjs JWKS_URL TOKEN [AUDIENCE] [ISSUER]
import { createRemoteJWKSet, jwtVerify } from 'jose';

const [jwksUrl, token, audience, issuerArg] = process.argv.slice(2);
if (!jwksUrl || !token) {
  console.error('usage: node verify.mjs JWKS_URL TOKEN [AUDIENCE] [ISSUER]');
  process.exit(2);
}
const issuer = issuerArg || new URL(jwksUrl).origin;
try {
  const jwks = createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: 5000 });
  const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer, audience: audience || undefined, algorithms: ['RS256'] });
  console.log(JSON.stringify({ header: protectedHeader, payload }));
} catch (err) {
  console.error(`verification failed: ${err.code ?? ''} ${err.message}`);
  process.exit(1);
}
