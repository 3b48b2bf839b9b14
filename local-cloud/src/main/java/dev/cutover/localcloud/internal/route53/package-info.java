/**
 * Internal Amazon Route 53 emulator (REST-XML): hosted zones, atomic record set changes, listing
 * in Route 53's order, change propagation. Not API.
 */
package dev.cutover.localcloud.internal.route53;
