from wagtail.snippets.models import register_snippet

from .viewsets import SynonymViewSet

register_snippet(SynonymViewSet)
