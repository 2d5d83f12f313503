"""The base of ISC's forms (portal and console): a form reads what an HTML form sends.

Flask-WTF also feeds a form with uploaded files and JSON bodies. A file posted under a text
field's name, or a JSON body, would then reach validators that expect text and fail with a 500.
Here text comes from the form body only, and files only to forms that have a file field.
"""

from flask import request
from flask_wtf import FlaskForm
from werkzeug.datastructures import CombinedMultiDict
from wtforms.fields import FileField


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            data = super().wrap_formdata(form, formdata)
            if data is None or data is request.form or data is formdata:
                return data
            if isinstance(data, CombinedMultiDict) and _takes_files(form):
                return data
            return request.form  # files without a file field, or a JSON body: the form body only


def _takes_files(form) -> bool:
    return any(isinstance(field, FileField) for field in form._fields.values())
