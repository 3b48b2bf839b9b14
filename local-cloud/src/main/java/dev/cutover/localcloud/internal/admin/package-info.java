/**
 * Internal admin HTTP endpoint of the local cloud ({@code /_localcloud/...}): scripts images,
 * faults, traffic and the virtual clock for tools that are not written in Java. Not API.
 */
package dev.cutover.localcloud.internal.admin;
