import { describe, expect, it } from 'vitest';
import {
  type Actor,
  allowsAccess,
  bid,
  cancelOrder,
  cancelScope,
  changeAccount,
  deleteChatLine,
  fulfilOrder,
  manage,
  manageShow,
  moderateShow,
  moderateUser,
  offerInShow,
  payOrder,
  sellSku,
  viewOrder,
} from './policy.ts';

const admin: Actor = { id: 'usr_admin', role: 'admin' };
const host: Actor = { id: 'usr_host', role: 'host' };
const otherHost: Actor = { id: 'usr_other', role: 'host' };
const mod: Actor = { id: 'usr_mod', role: 'buyer' };
const mod2: Actor = { id: 'usr_mod2', role: 'buyer' };
const buyer: Actor = { id: 'usr_buyer', role: 'buyer' };
const show = { id: 'shw_1', hostId: host.id, moderatorIds: [mod.id, mod2.id] };
const code = (d: { ok: boolean; code?: string }) => (d.ok ? 'ok' : d.code);

describe('policy', () => {
  it('policy - a route’s role floor: anonymous only on public routes, admin ⊇ host ⊇ buyer', () => {
    expect(code(allowsAccess(undefined, 'public'))).toBe('ok');
    expect(code(allowsAccess(undefined, 'optional'))).toBe('ok');
    expect(code(allowsAccess(undefined, 'user'))).toBe('unauthenticated');
    expect(code(allowsAccess(buyer, 'user'))).toBe('ok');
    expect(code(allowsAccess(buyer, 'host'))).toBe('forbidden');
    expect(code(allowsAccess(host, 'host'))).toBe('ok');
    expect(code(allowsAccess(host, 'admin'))).toBe('forbidden');
    expect(code(allowsAccess(admin, 'host'))).toBe('ok');
  });

  it('policy - a host manages only their own products, sales, parties and shows; an admin any', () => {
    expect(code(manage(host, host.id))).toBe('ok');
    expect(code(manage(otherHost, host.id))).toBe('forbidden');
    expect(code(manage(admin, host.id))).toBe('ok');
    expect(code(manageShow(mod, show))).toBe('forbidden');
    expect(code(sellSku(otherHost, { sku: 'A', hostId: host.id }))).toBe('forbidden');
    expect(code(sellSku(admin, { sku: 'A', hostId: host.id }))).toBe('ok');
  });

  it('policy - goods offered in a show are the show host’s own, even when an admin offers them', () => {
    expect(code(offerInShow(host, show, { sku: 'A', hostId: host.id }))).toBe('ok');
    expect(code(offerInShow(host, show, { sku: 'B', hostId: otherHost.id }))).toBe('forbidden');
    expect(code(offerInShow(admin, show, { sku: 'B', hostId: otherHost.id }))).toBe('forbidden');
    expect(code(offerInShow(otherHost, show, { sku: 'B', hostId: otherHost.id }))).toBe('forbidden');
  });

  it('policy - moderators act only in their shows, never on a moderator, the host, an admin or themselves', () => {
    expect(code(moderateShow(mod, show))).toBe('ok');
    expect(code(moderateShow(mod, { ...show, moderatorIds: [] }))).toBe('forbidden');
    expect(code(moderateUser(mod, show, { id: buyer.id, role: 'buyer' }))).toBe('ok');
    expect(code(moderateUser(mod, show, { id: mod2.id, role: 'buyer' }))).toBe('forbidden');
    expect(code(moderateUser(mod, show, { id: host.id, role: 'host' }))).toBe('forbidden');
    expect(code(moderateUser(mod, show, { id: admin.id, role: 'admin' }))).toBe('forbidden');
    expect(code(moderateUser(mod, show, { id: mod.id, role: 'buyer' }))).toBe('forbidden');
    expect(code(moderateUser(buyer, show, { id: buyer.id, role: 'buyer' }))).toBe('forbidden');
    // The host outranks the moderators of their show; nobody bans the host.
    expect(code(moderateUser(host, show, { id: mod.id, role: 'buyer' }))).toBe('ok');
    expect(code(moderateUser(admin, show, { id: host.id, role: 'host' }))).toBe('forbidden');
  });

  it('policy - a chat line is deleted only through its own show', () => {
    expect(code(deleteChatLine(mod, show, { showId: show.id }))).toBe('ok');
    expect(code(deleteChatLine(mod, show, { showId: 'shw_2' }))).toBe('not_found');
    expect(code(deleteChatLine(mod, show, undefined))).toBe('not_found');
    expect(code(deleteChatLine(buyer, show, { showId: show.id }))).toBe('forbidden');
  });

  it('policy - a host never bids in their own auction; a banned viewer never bids', () => {
    expect(code(bid(host, { hostId: host.id }, false))).toBe('own_auction');
    expect(code(bid(buyer, { hostId: host.id }, false))).toBe('ok');
    expect(code(bid(buyer, { hostId: host.id }, true))).toBe('banned');
    expect(code(bid(otherHost, { hostId: host.id }, false))).toBe('ok');
  });

  it('policy - orders: buyer, sellers and admins see them; a host’s cancel of a multi-seller order takes their own lines', () => {
    const single = { buyerId: buyer.id, sellerIds: [host.id] };
    const multi = { buyerId: buyer.id, sellerIds: [host.id, otherHost.id] };
    expect(code(viewOrder(buyer, single))).toBe('ok');
    expect(code(viewOrder(host, multi))).toBe('ok');
    expect(code(viewOrder(otherHost, single))).toBe('not_found');
    expect(code(viewOrder(mod, single))).toBe('not_found');
    expect(code(cancelOrder(host, single))).toBe('ok');
    expect(code(cancelOrder(host, multi))).toBe('ok');
    expect(cancelScope(host, multi)).toBe('own_lines');
    expect(cancelScope(host, single)).toBe('order');
    expect(cancelScope(buyer, multi)).toBe('order');
    expect(cancelScope(admin, multi)).toBe('order');
    expect(code(cancelOrder(buyer, multi))).toBe('ok');
    expect(code(cancelOrder(admin, multi))).toBe('ok');
    expect(code(fulfilOrder(buyer, single))).toBe('forbidden');
    expect(code(fulfilOrder(host, single))).toBe('ok');
    expect(code(payOrder(admin, single))).toBe('not_found');
    expect(code(payOrder(buyer, single))).toBe('ok');
  });

  it('policy - an admin changes other users’ roles, never their own', () => {
    expect(code(changeAccount(admin, buyer.id))).toBe('ok');
    expect(code(changeAccount(admin, admin.id))).toBe('self_change_forbidden');
    expect(code(changeAccount(host, buyer.id))).toBe('forbidden');
  });
});
