/** DI tokens of the app's own values (config, store, sandbox). */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const STORE = Symbol('STORE');
/** Work the store must outlive (see InFlight). */
export const IN_FLIGHT = Symbol('IN_FLIGHT');
/** The start-up reconciliation's progress (ReconcileState). */
export const RECONCILIATION = Symbol('RECONCILIATION');
/** The in-process sandbox, or `null` when talking to SMS Partner. */
export const SANDBOX = Symbol('SANDBOX');
/** Where the webhooks are served (the Express router is mounted there). */
export const WEBHOOKS_PATH = '/webhooks/smspartner';
