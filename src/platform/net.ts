import { BlockList, isIP } from 'node:net';

/**
 * Addresses of shared or private networks: loopback, private and link-local ranges, carrier-grade
 * NAT. They say nothing about who a client is (a developer's machine, a load balancer in front of
 * a server without TRUST_PROXY, a mobile carrier's shared exit): the fraud rules do not count
 * them as one buyer, and /metrics without a token answers only them.
 */
const SHARED_NETWORKS = new BlockList();
for (const [net, bits] of [
  ['127.0.0.0', 8],
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['169.254.0.0', 16],
  ['100.64.0.0', 10],
  ['0.0.0.0', 8],
] as const)
  SHARED_NETWORKS.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const)
  SHARED_NETWORKS.addSubnet(net, bits, 'ipv6');

/** Whether an address can tell one client from another (a public address). */
export function identifiesClient(ip: string): boolean {
  const mapped = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  const version = isIP(mapped);
  if (version === 0) return false;
  return !SHARED_NETWORKS.check(mapped, version === 6 ? 'ipv6' : 'ipv4');
}
