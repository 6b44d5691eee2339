import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ZodError } from 'zod';
import type { Principal } from '../auth/principal.js';
import { validationDetails } from '../protocol/schemas.js';
import type { Ack, ErrorBody, ErrorCode } from '../protocol/errors.js';
import { httpStatusOf } from '../protocol/errors.js';
import { type Lang, messageFor } from '../protocol/messages.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      principal?: Principal;
    }
  }
}

export function langOf(req: Request): Lang {
  if (req.query.lang === 'en') return 'en';
  if (req.query.lang === 'zh') return 'zh';
  return /^en\b/i.test(req.get('accept-language') ?? '') ? 'en' : 'zh';
}

export function sendError(req: Request, res: Response, error: ErrorBody | ErrorCode): void {
  const body: ErrorBody = typeof error === 'string' ? { code: error, message: messageFor(error) } : error;
  const localized: ErrorBody = { ...body, message: messageFor(body.code, langOf(req)) };
  const retryAfter = body.details?.retryAfterSeconds;
  if (body.code === 'RATE_LIMITED' && typeof retryAfter === 'number') res.set('Retry-After', String(retryAfter));
  res.status(httpStatusOf(body.code)).json({ error: localized });
}

export function sendValidationError(req: Request, res: Response, error: ZodError): void {
  sendError(req, res, { code: 'VALIDATION_FAILED', message: '', details: validationDetails(error) });
}

export function sendAck(req: Request, res: Response, ack: Ack<unknown>, successStatus = 200): void {
  if (!ack.ok) return sendError(req, res, ack.error);
  if (req.method === 'GET' || req.method === 'HEAD') return void res.status(successStatus).json(ack.data);
  // A command's answer is never revalidated (If-None-Match is for GET), so it is written as is: res.json
  // would also hash every body for an ETag and re-parse the content type, per command.
  res.statusCode = successStatus;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(ack.data));
}

/** Express 5 forwards rejected promises itself; this only narrows the types for handlers. */
export function route(handler: (req: Request, res: Response, next: NextFunction) => Promise<void>): RequestHandler {
  return (req, res, next) => handler(req, res, next);
}

export function principalOf(req: Request): Principal {
  return req.principal ?? { kind: 'public', ip: req.ip ?? 'unknown' };
}

const PHONE_COOKIE = 'hq_phone';
const PHONE_COOKIE_VALUE = /^[A-Za-z0-9_-]{16,64}$/;

/** The value of one cookie of the request, if well-formed. */
export function cookieOf(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/**
 * A phone's own key for the per-phone daily ticket limit: the hall's Wi-Fi
 * often puts every phone behind one address. Set on the first ticket; a phone
 * that clears it gets a new one, which the per-address limit still bounds.
 */
export function phoneDeviceKey(req: Request, res: Response): string {
  const known = cookieOf(req.get('cookie'), PHONE_COOKIE);
  if (known && PHONE_COOKIE_VALUE.test(known)) return known;
  const fresh = randomBytes(16).toString('base64url');
  res.cookie(PHONE_COOKIE, fresh, { httpOnly: true, sameSite: 'lax', maxAge: 365 * 86_400_000, path: '/' });
  return fresh;
}
