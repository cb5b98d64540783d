"""Operator commands: `flask --app panel COMMAND` (init-db, migrate, load-regions, seed-demo,
create-user, locate, link-code)."""
from __future__ import annotations

import sys
from datetime import timedelta

import click
from flask import Flask

import migrations
import models
from core.routing import RegionFileError
from services import auth, demo, linking, regions, runtime


def register(app: Flask) -> None:
    for command in (init_db, migrate, load_regions, seed_demo, create_user, locate, link_code):
        app.cli.add_command(command)


@click.command("init-db")
def init_db():
    """Create the database tables (safe to run again)."""
    migrations.create_tables()
    click.echo(f"Database ready (schema version {migrations.current_version()}).")


@click.command("migrate")
def migrate():
    """Apply schema changes made after the database was created."""
    done = migrations.upgrade()
    click.echo("\n".join(done) if done else f"Schema is up to date (version {migrations.current_version()}).")


@click.command("load-regions")
@click.argument("path", type=click.Path(dir_okay=False))
def load_regions(path):
    """Import a regency's village boundaries (GeoJSON: kode, desa, kecamatan, kabupaten)."""
    migrations.create_tables()
    try:
        result = regions.load_regions(regions.read_geojson(path))
    except RegionFileError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"Loaded {path}: {result}")


@click.command("seed-demo")
def seed_demo():
    """Load Kabupaten Ketapang with a demo directory of OPDs, categories and officials."""
    migrations.create_tables()
    imported, opds, categories, officials = demo.seed_demo()
    click.echo(f"Regions: {imported}")
    click.echo(f"Directory: {opds} OPDs and {categories} categories added.")
    if officials:
        click.echo("Demo officials (username / role / password) — write these down, they are shown once:")
        for username, role, password in officials:
            click.echo(f"  {username:<24} {role:<17} {password}")
    else:
        click.echo("Demo officials already exist (passwords were shown when they were created).")


@click.command("create-user")
@click.option("--username", required=True)
@click.option("--role", required=True, type=click.Choice(models.ROLES))
@click.option("--opd", "opd_code", help="OPD code for OPD roles, e.g. DPUTR")
@click.option("--desa", "desa_code", help="Village Kemendagri code for village roles, e.g. 61.04.01.2011")
@click.option("--name", "full_name", default="")
@click.option("--password", help="Password; omit to read it from standard input")
@click.option("--language", default="id", type=click.Choice(["id", "en"]))
def create_user(username, role, opd_code, desa_code, full_name, password, language):
    """Create an official's account (scriptable: no prompt when --password or stdin is given)."""
    if password is None:
        password = _password_line() if not sys.stdin.isatty() else click.prompt(
            "Password", hide_input=True, confirmation_prompt=True)
    try:
        official = auth.create_official(username, role, password, opd_code=opd_code, desa_code=desa_code,
                                        full_name=full_name, language=language)
    except auth.AccountError as exc:
        raise click.ClickException(str(exc))
    office = official.opd or official.desa or "-"
    click.echo(f"Created {official.username} ({official.role}, {office}).")
    if official.is_village:  # village officials work from Telegram: give the new account its link code
        _echo_link_code(official, linking.DEFAULT_TTL)


def _password_line() -> str:
    """One line of standard input. Bytes that are not UTF-8 become characters the password
    rule refuses with its reason, rather than a decoding crash."""
    line = sys.stdin.buffer.readline().decode("utf-8", "surrogateescape")
    return line.rstrip("\r\n")


# Latitudes south of the equator are negative: let "-1.85" be an argument, not an option.
@click.command("locate", context_settings={"ignore_unknown_options": True})
@click.argument("lat", type=float)
@click.argument("lon", type=float)
def locate(lat, lon):
    """Print the village that contains a point (the operator's check of routing)."""
    desa = regions.locate(lat, lon)
    if desa is None:
        click.echo(f"{lat}, {lon} is outside every loaded village.")
        sys.exit(1)
    kec = desa.kecamatan
    click.echo(f"{desa.code}  {desa}  Kec. {kec.name}, {kec.kabupaten.name}")


@click.command("link-code")
@click.argument("username")
@click.option("--hours", default=int(linking.DEFAULT_TTL.total_seconds() // 3600), show_default=True,
              type=click.IntRange(1, 24 * 14), help="How long the code stays valid")
def link_code(username, hours):
    """Print a one-time code that links an official's Telegram account (earlier unused codes stop working)."""
    wanted = username.strip().lower()
    # Text no username can hold is no one's (and PostgreSQL would refuse a NUL in the query).
    usable = wanted and len(wanted) <= 60 and auth.is_plain(wanted)
    official = models.Official.get_or_none(models.Official.username == wanted) if usable else None
    if official is None:
        raise click.ClickException(f"no official with username {username[:60]!r}")
    if not official.active:
        raise click.ClickException(f"{official.username} is not active; activate the account first")
    _echo_link_code(official, timedelta(hours=hours))


def _echo_link_code(official, ttl: timedelta) -> None:
    code = linking.create_link_code(official, ttl)
    click.echo(f"Telegram link code for {official.username} (shown once, valid {ttl.total_seconds() / 3600:g} hours, "
               f"one use): {code}")
    link = linking.deep_link(code, runtime.config().TELEGRAM_BOT_USERNAME)
    click.echo(f"  The official sends it to the bot{', or opens ' + link if link else ''}.")
