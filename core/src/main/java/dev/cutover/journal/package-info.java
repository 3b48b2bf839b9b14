/**
 * The deployment journal: an append-only record of every step, written before each step is acted
 * on, read to resume after a crash and to answer "what ran where, when, and why".
 */
package dev.cutover.journal;
