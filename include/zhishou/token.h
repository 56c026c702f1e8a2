/* token: a random name for one write, so that a write whose commit was not
 * confirmed (the database connection went away at COMMIT) can be looked
 * up before it is tried again: the console's draft token, and one per
 * `log add`. */
#ifndef ZHISHOU_TOKEN_H
#define ZHISHOU_TOKEN_H

#define TOKEN_LEN 32   /* hex digits */

/* TOKEN_LEN hex digits and a NUL into out: 128 bits from the kernel (or,
 * without it, the time and the pid). */
void token_new(char out[TOKEN_LEN + 1]);

#endif
